"""Files the platform writes for people to open: the safe CSV writer (:mod:`.csv`)."""
