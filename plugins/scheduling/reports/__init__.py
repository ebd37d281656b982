"""Reports of the scheduling plugin: adherence, coverage, the SLA scorecard and why coverage was low."""
