"""Signs X's documented reference request with x_api_auth and checks the
signature X publishes.   python examples/sign.py"""

import x_api_auth

oauth1 = x_api_auth.OAuth1(
    "xvz1evFS4wEEPTGEFPHBog",
    "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
    "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
    "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE",
)
signed = oauth1.sign(
    "POST",
    "https://api.x.com/1.1/statuses/update.json?include_entities=true",
    form={"status": "Hello Ladies + Gentlemen, a signed OAuth request!"},
    nonce="kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg",
    timestamp=1318622958,
)
print("Authorization:", signed.authorization)
assert 'oauth_signature="Ls93hJiZbQ3akF3HF3x1Bz8%2FzU4%3D"' in signed.authorization, (
    "signature differs from X's"
)
print("signature matches X's published value Ls93hJiZbQ3akF3HF3x1Bz8/zU4=")
