"""The demo BPO."""
