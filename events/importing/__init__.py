"""Import and export of content: fixtures (JSON, YAML) and CSV lists, validated and atomic."""
