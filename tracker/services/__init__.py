"""Writes. Each service is a function named <thing>_<action> with keyword-only arguments, runs in
one transaction, and records an AuditEvent for every state change it makes."""
