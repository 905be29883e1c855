"""Whoosh: the schema, building and rebuilding the index, queries, filters, facets and highlights. Imports archive, never web."""
