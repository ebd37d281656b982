"""Composes the internal and the portal GraphQL schema from the enabled plugins."""
