"""The annotated corpus: schema, loading, splits and checks."""
