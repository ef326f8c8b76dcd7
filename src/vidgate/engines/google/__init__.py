"""Google Veo 2 (veo-2.0-generate-001), text-to-video and image-to-video, on the Gemini API
or Vertex AI (chosen per deployment, see ``options.py``).

Vertex needs an OAuth2 access token in the deployment's credentials; such tokens expire
after about an hour, and vidgate neither mints nor refreshes them, so the operator must
keep the credential fresh.
"""

from vidgate.engines.google.engine import GoogleEngine

__all__ = ["GoogleEngine"]
