"""Bulk CSV imports: streamed into a staging table with COPY, validated in one statement.

The pieces every import shares: the header of a file (:mod:`.header`), the staging
table and the COPY into it (:mod:`.staging`), the report with line-numbered coded
errors (:mod:`.report`) and its GraphQL form (:mod:`.types`). A plugin supplies its
columns, a migration creating its staging functions
(:func:`.staging.staging_functions`) and the one statement that validates the staged
rows and inserts the clean ones.
"""
