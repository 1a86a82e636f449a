"""The programs app's reads, by area, one module each; nothing is re-exported here."""
