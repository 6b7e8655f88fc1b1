"""Use cases. Each service checks state, does the work, writes the audit event and owns the commit."""
