"""The API's endpoints, one module per area. Views are thin: read, call one service, return."""
