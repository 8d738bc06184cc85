"""Accounts: users, organizations, login, tokens and the password policy."""
