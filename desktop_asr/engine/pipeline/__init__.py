"""Audio prepared on every core and requests scheduled over one or more servers: worker
processes decode, cut and encode (preparing, processes, feed); one scheduler keeps the
requests of every job in flight over the endpoints (endpoints, scheduler, dispatch)."""
