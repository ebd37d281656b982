"""Required agents per interval: Erlang C and Erlang A, fractional until scheduling."""
