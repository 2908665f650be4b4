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

interface SpaceModels {
  imRobotOpenSpaceModel?: unknown;
  imRobotOpenDeliverModel?: DeliverModel;
}

interface DeliverModel {
  spaceType?: string | undefined;
  robotCode?: string | undefined;
}

/**
 * A robot chat needs the deliver model naming the robot (createAndDeliver and card/instances/deliver alike). The robot
 * of an internal app is, unless configured otherwise, identified by the app's appKey.
 */
export function deliverModelFailure(
  app: SimApp,
  deliver: DeliverModel | undefined,
  spaces: Space[],
): SimResponse | undefined {
  if (!spaces.some((s) => s.type === 'IM_ROBOT')) return undefined;
  if (!deliver) return apiFail(400, 'param.openDeliverModelEmpty', 'imRobotOpenDeliverModel is empty');
  const robotCode = typeof app.extra.robotCode === 'string' ? app.extra.robotCode : app.appId;
  if (deliver.spaceType !== 'IM_ROBOT' || deliver.robotCode !== robotCode) {
    return apiFail(400, 'param.openDeliverModelError', 'imRobotOpenDeliverModel is invalid (spaceType / robotCode)');
  }
  return undefined;
}

/** A card can only go to a space whose space model it has: createAndDeliver must carry it for its robot chats. */
export function openSpaceFailure(app: SimApp, body: SpaceModels, spaces: Space[]): SimResponse | undefined {
  const deliver = deliverModelFailure(app, body.imRobotOpenDeliverModel, spaces);
  if (deliver) return deliver;
  if (spaces.some((s) => s.type === 'IM_ROBOT') && !body.imRobotOpenSpaceModel)
    return apiFail(400, 'param.openSpaceModelInvalid', 'imRobotOpenSpaceModel is missing');
  return undefined;
}
