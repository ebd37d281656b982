"""Plugin modules shipped with Switchboard (each registered through the switchboard.plugins entry points)."""
