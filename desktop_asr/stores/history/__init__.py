"""The transcript history: a SQLite database of every transcription (store), its rows
(entry), schema and migrations (schema) and the query language of its search (search)."""
