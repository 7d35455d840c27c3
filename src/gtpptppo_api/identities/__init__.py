"""People signed in through an OpenID Provider: the mappings of their claims to a role and a
jurisdiction, and the identities seen (``auth/oidc.py`` verifies their tokens)."""
