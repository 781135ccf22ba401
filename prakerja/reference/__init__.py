"""Reference data the product ships: regions, occupation groups, skills, training catalogue."""
