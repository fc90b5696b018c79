"""The per-workshop student whitelist: who may book a whitelist workshop, its entries by hand
or from a CSV file (the Immersio sync writes rows too, see ``immersio/roster.py``)."""
