"""The CP-SAT schedule solver: a pure problem in index space, its model, greedy start and checker."""
