"""Ingestion: parse a hit per protocol, run the steps, spool, write to the store."""
