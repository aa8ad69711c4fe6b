"""HTML forms, one module per area. Forms parse and check what people type; the services decide
whether the change may happen."""
