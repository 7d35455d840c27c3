"""People signed in through an OpenID Provider: the mappings of their claims to a role and a
jurisdiction, and the identities seen (``identities/oidc.py`` verifies their tokens)."""
