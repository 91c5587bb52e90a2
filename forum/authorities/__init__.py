"""Local authorities as pages of their own: who takes part, and what came of it."""
