export interface Room {
  id: string;
  name: string;
  createdBy: string;
  createdAt: Date;
}

export const ROOM_NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
