"""rolebot: curated, cited answers about technology leadership, and a CIO-or-CTO assessment."""
