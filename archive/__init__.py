"""Documents in: readers for each input format, article extraction, named entities and the article store. Knows nothing of Whoosh or Flask."""
