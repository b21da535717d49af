/** Scoring shared by batch prediction and the prediction server: the model document and `scoreFrame`. */
export { MODEL_FORMAT, MODEL_VERSION, ModelDocumentError, parseModelDocument, type LoadedModel, type ModelArtifact } from './model';
export { probabilitiesAt, scoreFrame, type Scores } from './score';
export { frameForModel, PredictionInputError, type InputColumns } from './input';
