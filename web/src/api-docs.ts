// The API reference at /api/v1/docs (served by the gateway, gateway/routes/system.py):
// Swagger UI from npm over this origin's own OpenAPI document. Nothing from elsewhere:
// no validator badge (it would call validator.swagger.io), no remote URL to type in.
import SwaggerUI from 'swagger-ui-dist/swagger-ui-es-bundle.js'
import 'swagger-ui-dist/swagger-ui.css'

SwaggerUI({
  url: '/api/v1/openapi.json',
  dom_id: '#reference',
  deepLinking: true,
  validatorUrl: null,
  tryItOutEnabled: false,
  withCredentials: false,
})
