"""Users, login, language preference and personal API tokens."""
