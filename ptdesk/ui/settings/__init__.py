"""Settings: status bands, clinic details, fee schedules, clinic hours."""
