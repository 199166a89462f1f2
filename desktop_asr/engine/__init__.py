"""Audio to text through the server: decoding, chunking, requests, replies, the job."""
