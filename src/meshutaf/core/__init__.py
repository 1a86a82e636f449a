"""What every Meshutaf app shares: base models, roles, text helpers, template tags."""
