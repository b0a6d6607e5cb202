"""Front end: the MCP server (``naetra-tui mcp``) on the Session's services."""
