"""Cookieless identity: daily salts and the hashes built from them."""
