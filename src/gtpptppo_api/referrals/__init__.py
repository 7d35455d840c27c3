"""Referrals and transfers of cases between service centres and agencies."""
