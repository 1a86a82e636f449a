"""The knowledge base of an initiative: documents (stored privately, text extracted in the
worker) and insights. It fills the meeting page's documents slot and indexes both for search."""
