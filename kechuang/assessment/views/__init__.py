"""Assessment pages: readiness (runs, lists, one enterprise, its facts), policies and
innovation points, and the enterprise's own page with its report."""
