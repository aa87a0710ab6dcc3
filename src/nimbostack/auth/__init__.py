"""Who is calling and what they may do: password checkers, API keys, roles and object scope."""
