"""Async jobs: durable rows in the database, claimed and run by worker threads, one object at a time."""
