"""The pure scoring engine: no Django imports here, so it can be tested and reasoned about alone."""
