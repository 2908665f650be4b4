import type { SimApp, SimResponse } from '../core/index.js';
import { apiFail } from './wire.js';

export interface Space {
  type: string;
  id: string;
}

const PREFIX = 'dtv1.card//';
/** "openSpaceId … ≤1000 chars" (create-and-deliver-cards; the deliver page uses the same format). */
export const MAX_OPEN_SPACE_ID_CHARS = 1000;
const KNOWN_TYPES = ['IM_GROUP', 'IM_ROBOT', 'ONE_BOX', 'IM_SINGLE', 'COOPERATION_FEED', 'TOP_BOX'];

/** `dtv1.card//IM_ROBOT.<userId>[;IM_GROUP.<cid>...]`: one or more spaces, each `TYPE.id`. */
export function deliverySpaces(openSpaceId: string | undefined): Space[] | { code: string; message: string } {
  if (!openSpaceId) return { code: 'param.openSpaceIdEmpty', message: 'openSpaceId is empty' };
  if (!openSpaceId.startsWith(PREFIX))
    return { code: 'param.openSpaceIdInvalid', message: 'openSpaceId must start with dtv1.card//' };
  if (openSpaceId.length > MAX_OPEN_SPACE_ID_CHARS) {
    return {
      code: 'param.openSpaceIdInvalid',
      message: `openSpaceId is longer than ${MAX_OPEN_SPACE_ID_CHARS} characters`,
    };
  }
  const spaces: Space[] = [];
  for (const part of openSpaceId.slice(PREFIX.length).split(';')) {
    const dot = part.indexOf('.');
    const type = part.slice(0, dot);
    const id = part.slice(dot + 1);
    if (dot <= 0 || !id || !KNOWN_TYPES.includes(type)) {
      return { code: 'param.openSpaceIdInvalid', message: `invalid space ${part}` };
    }
    spaces.push({ type, id });
  }
  return spaces;
}

/** The space and deliver models of a request, by space type (create-and-deliver-cards, reference §3a). */
export interface SpaceModels {
  imRobotOpenSpaceModel?: unknown;
  imRobotOpenDeliverModel?: DeliverModel | undefined;
  imGroupOpenSpaceModel?: unknown;
  imGroupOpenDeliverModel?: DeliverModel | undefined;
}

interface DeliverModel {
  spaceType?: string | undefined;
  robotCode?: string | undefined;
}

/** The robot of an internal app is, unless configured otherwise (`extra.robotCode`), identified by its appKey. */
export function robotCodeOf(app: SimApp): string {
  return typeof app.extra.robotCode === 'string' ? app.extra.robotCode : app.appId;
}

/**
 * Each space type needs its deliver model (createAndDeliver and card/instances/deliver alike): a robot chat names
 * the robot with `imRobotOpenDeliverModel`; a group needs `imGroupOpenDeliverModel.robotCode` ("required when
 * used"; for an internal app's robot, its AppKey), which must be this app's robot.
 */
export function deliverModelFailure(app: SimApp, models: SpaceModels, spaces: Space[]): SimResponse | undefined {
  const robotCode = robotCodeOf(app);
  if (spaces.some((s) => s.type === 'IM_ROBOT')) {
    const deliver = models.imRobotOpenDeliverModel;
    if (!deliver) return apiFail(400, 'param.openDeliverModelEmpty', 'imRobotOpenDeliverModel is empty');
    if (deliver.spaceType !== 'IM_ROBOT' || deliver.robotCode !== robotCode) {
      return apiFail(400, 'param.openDeliverModelError', 'imRobotOpenDeliverModel is invalid (spaceType / robotCode)');
    }
  }
  if (spaces.some((s) => s.type === 'IM_GROUP')) {
    const deliver = models.imGroupOpenDeliverModel;
    if (!deliver?.robotCode) {
      return apiFail(400, 'param.openDeliverModelEmpty', 'imGroupOpenDeliverModel.robotCode is empty');
    }
    if (deliver.robotCode !== robotCode) {
      return apiFail(400, 'param.openDeliverModelError', "imGroupOpenDeliverModel.robotCode is not this app's robot");
    }
  }
  return undefined;
}

const SPACE_MODELS = [
  ['IM_ROBOT', 'imRobotOpenSpaceModel'],
  ['IM_GROUP', 'imGroupOpenSpaceModel'],
] as const;

/**
 * A card can only go to a space whose space model it has: createAndDeliver must carry it for each space type it
 * targets, with its `supportForward` ("required when the object is used").
 */
export function openSpaceFailure(app: SimApp, body: SpaceModels, spaces: Space[]): SimResponse | undefined {
  const deliver = deliverModelFailure(app, body, spaces);
  if (deliver) return deliver;
  for (const [type, field] of SPACE_MODELS) {
    if (!spaces.some((s) => s.type === type)) continue;
    const model = body[field] as { supportForward?: unknown } | undefined;
    if (!model) return apiFail(400, 'param.openSpaceModelInvalid', `${field} is missing`);
    if (typeof model.supportForward !== 'boolean') {
      return apiFail(400, 'param.openSpaceModelInvalid', `${field}.supportForward is required`);
    }
  }
  return undefined;
}

/** The space types a create call gave the card a model for; it can be delivered nowhere else. */
export function spaceTypesOf(body: SpaceModels): string[] {
  return SPACE_MODELS.filter(([, field]) => body[field] !== undefined).map(([type]) => type);
}
