"""GraphQL plumbing shared by every module: context, pagination, payload errors, the view."""
