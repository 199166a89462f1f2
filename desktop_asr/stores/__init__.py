"""What the user keeps: profiles, API keys (keyring), vocabulary lists, history, settings."""
