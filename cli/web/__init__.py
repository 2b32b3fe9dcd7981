"""The read-only web view and JSON API (`loanledger serve`, docs/web.md)."""
