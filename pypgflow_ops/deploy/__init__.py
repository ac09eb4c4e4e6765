"""Deploying a plan: read a tenant's live state, fingerprint it, and apply under its lock."""
