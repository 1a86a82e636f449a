"""Initiatives and what they are made of: phases, groups, members and invitations."""
