"""The audit log: who wrote what, when, with the state before and after."""
