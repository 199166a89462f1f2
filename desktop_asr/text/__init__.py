"""What a transcript is and becomes, without I/O: segments and languages, vocabulary entries
and post-correction, export formats, and server text made safe to show and deliver."""
