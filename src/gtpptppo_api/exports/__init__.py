"""De-identified exports of case records for analysts."""
