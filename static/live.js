/* Live thread updates (Server-Sent Events): being written. */
