"""The scope graph: tenant → client → LOB, and sites."""
